package io.spillway.ingest.gateway;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code spillway.ingest.gateway.*}: the proxies in front of the door.
 *
 * @param trustedProxies CIDR blocks (the gateway's pods or load balancer) whose {@code X-Forwarded-For}
 *     names the buyer's address for the per-address bucket; empty, the default, trusts no one and the
 *     bucket is the connection's address
 */
@ConfigurationProperties("spillway.ingest.gateway")
record GatewayProperties(@DefaultValue List<String> trustedProxies) {}
