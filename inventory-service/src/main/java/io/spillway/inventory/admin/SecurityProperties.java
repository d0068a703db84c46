package io.spillway.inventory.admin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code spillway.inventory.security.*}. The JWT side itself (issuer, audience, keys, which claim
 * holds the authorities) is Spring Boot's own {@code spring.security.oauth2.resourceserver.jwt.*}.
 *
 * @param adminAuthority the authority an operator's JWT must carry to be an admin, as Spring
 *     Security names it: {@code SCOPE_spillway.admin} for a {@code scope} claim holding
 *     {@code spillway.admin}, or e.g. {@code ROLE_spillway-admin} with {@code authorities-claim-name:
 *     roles} and {@code authority-prefix: ROLE_}
 */
@ConfigurationProperties("spillway.inventory.security")
record SecurityProperties(@DefaultValue("SCOPE_spillway.admin") String adminAuthority) {}
