package io.spillway.inventory.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.contract.problems.Problems;
import io.spillway.inventory.InventoryProperties;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.converter.Converter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Who may use the admin API and the console's data (CONTRACT.md, "Running a sale"; docs/admin.md).
 *
 * <p>Every request to {@code /api/**} other than the public sale view and draw (and a room's draw) needs a bearer that
 * is either the configured admin token (the local stack) or a JWT from the operators' identity
 * provider carrying {@link SecurityProperties#adminAuthority()} (production). Authentication
 * happens in a filter, before any body is read. Sessions are never created and no cookie
 * authenticates anything: the console keeps the bearer in {@code sessionStorage} and sends it in a
 * header, which another origin's page cannot make a browser send, so CSRF tokens would guard
 * nothing and are off.
 *
 * <p>Limits: with both the token and a JWT issuer configured, either signs in; production should
 * leave {@code SPILLWAY_ADMIN_TOKEN} unset. A missing or short token with no JWT issuer stops
 * start-up, as before.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
class AdminSecurity {

    @Bean
    SecurityFilterChain adminApi(
            HttpSecurity http, InventoryProperties inventory, SecurityProperties settings,
            ObjectProvider<JwtDecoder> jwtDecoder, ObjectProvider<JwtAuthenticationConverter> jwtConverter,
            ObjectMapper json) throws Exception {
        JwtDecoder decoder = jwtDecoder.getIfAvailable();
        List<AuthenticationProvider> providers = new ArrayList<>();
        if (decoder == null || (inventory.adminToken() != null && !inventory.adminToken().isBlank())) {
            // Without an identity provider the token is the only way in, so it must be there and long
            // enough: AdminToken refuses otherwise and start-up stops.
            providers.add(new AdminTokenAuthentication(
                    new AdminToken(inventory.adminToken()), settings.adminAuthority(), decoder == null));
        }
        if (decoder != null) {
            JwtAuthenticationProvider jwt = new JwtAuthenticationProvider(decoder);
            Converter<Jwt, AbstractAuthenticationToken> converter = jwtConverter.getIfAvailable(JwtAuthenticationConverter::new);
            jwt.setJwtAuthenticationConverter(converter);
            providers.add(jwt);
        }
        ProviderManager authentication = new ProviderManager(providers);

        BearerTokenAuthenticationFilter bearer = new BearerTokenAuthenticationFilter(authentication);
        bearer.setBearerTokenResolver(request -> AdminToken.bearerOf(request.getHeader(HttpHeaders.AUTHORIZATION)));
        bearer.setAuthenticationEntryPoint((request, response, failure) -> problem(json, response, HttpStatus.UNAUTHORIZED));

        http.csrf(AbstractHttpConfigurer::disable)
                // The console runs only its own script and talks only to this origin.
                .headers(headers -> headers.contentSecurityPolicy(csp -> csp.policyDirectives(
                        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self';"
                                + " object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")))
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .anonymous(AbstractHttpConfigurer::disable)
                .addFilterBefore(bearer, org.springframework.security.web.authentication.AnonymousAuthenticationFilter.class)
                .exceptionHandling(errors -> errors
                        .authenticationEntryPoint((request, response, failure) -> problem(json, response, HttpStatus.UNAUTHORIZED))
                        .accessDeniedHandler((request, response, denied) -> problem(json, response, HttpStatus.FORBIDDEN)))
                .authorizeHttpRequests(requests -> requests
                        // A streamed answer (CSV, server-sent events) and an error page were authorised
                        // on their first dispatch already.
                        .dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR).permitAll()
                        .requestMatchers(path(HttpMethod.GET, "/api/v1/sales/*"), path(HttpMethod.GET, "/api/v1/sales/*/draw"),
                                path(HttpMethod.GET, "/api/v1/sales/*/items/*/seats"),
                                path(HttpMethod.HEAD, "/api/v1/sales/*"), path(HttpMethod.HEAD, "/api/v1/sales/*/draw"),
                                path(HttpMethod.HEAD, "/api/v1/sales/*/items/*/seats"),
                                // A room's draw is public as a sale's is: anyone checks the opening.
                                path(HttpMethod.GET, "/api/v1/rooms/*/draw"), path(HttpMethod.HEAD, "/api/v1/rooms/*/draw"))
                        .permitAll()
                        .requestMatchers(path(null, "/api/**")).hasAuthority(settings.adminAuthority())
                        // The console's page and assets hold no data; the data comes through /api.
                        .anyRequest().permitAll());
        return http.build();
    }

    private static RequestMatcher path(HttpMethod method, String pattern) {
        return PathPatternRequestMatcher.withDefaults().matcher(method, pattern);
    }

    private static void problem(ObjectMapper json, HttpServletResponse response, HttpStatus status) throws IOException {
        ProblemDetail problem = status == HttpStatus.UNAUTHORIZED
                ? Problems.of(status, "unauthorized", "Unauthorized",
                        "This needs Authorization: Bearer <admin token or an operator's JWT>.")
                : Problems.of(status, "forbidden", "Forbidden", "This credential is not an admin's.");
        response.setStatus(status.value());
        if (status == HttpStatus.UNAUTHORIZED) {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        }
        response.setContentType("application/problem+json");
        json.writeValue(response.getOutputStream(), problem);
    }
}
