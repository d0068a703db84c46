package io.spillway.contract.spring;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code spillway.admission.*}: the admission tokens' keys ({@link
 * io.spillway.contract.admission.AdmissionKeys}). {@code keys} is a JWK set as JSON (an environment
 * variable or a mounted secret); {@code signingKeyId} names the key that signs. Unset, the service
 * has no admission keys and the admission endpoints that need them are not offered.
 */
@ConfigurationProperties("spillway.admission")
public record AdmissionProperties(String keys, @DefaultValue("admission-1") String signingKeyId) {}
