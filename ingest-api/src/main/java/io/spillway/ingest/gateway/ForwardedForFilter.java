package io.spillway.ingest.gateway;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.IOException;
import java.util.Collections;

/**
 * Gives the door's controllers the buyer's address ({@link ForwardedFor}) as
 * {@code getRemoteAddr()}, so that every bucket keyed by address counts buyers, not the gateway.
 * Tomcat's own forwarded-header handling is off (application.yml): on Kubernetes Spring Boot would
 * turn it on and trust every private address, any pod included.
 */
final class ForwardedForFilter implements Filter {

    static final String HEADER = "X-Forwarded-For";

    private final ForwardedFor forwardedFor;

    ForwardedForFilter(ForwardedFor forwardedFor) {
        this.forwardedFor = forwardedFor;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request instanceof HttpServletRequest http && http.getHeader(HEADER) != null) {
            String client = forwardedFor.client(http.getRemoteAddr(), Collections.list(http.getHeaders(HEADER)));
            chain.doFilter(new HttpServletRequestWrapper(http) {
                @Override
                public String getRemoteAddr() {
                    return client;
                }

                @Override
                public String getRemoteHost() {
                    return client;
                }
            }, response);
            return;
        }
        chain.doFilter(request, response);
    }
}
