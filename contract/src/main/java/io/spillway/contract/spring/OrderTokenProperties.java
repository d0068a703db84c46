package io.spillway.contract.spring;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code spillway.order-token.secret}: the HMAC secret shared by ingest-api and notifier. There is
 * no default; {@code ./spillway up} generates one into {@code .spillway/order-token-secret}.
 */
@ConfigurationProperties("spillway.order-token")
public record OrderTokenProperties(String secret) {}
