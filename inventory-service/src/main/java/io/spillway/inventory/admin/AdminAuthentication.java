package io.spillway.inventory.admin;

import io.spillway.contract.problems.Problems;
import io.spillway.inventory.InventoryProperties;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Guards {@link AdminOnly} handlers with the admin token. A refusal is thrown as an
 * {@link ErrorResponseException}, so it is rendered as problem+json like every other error.
 */
@Configuration(proxyBeanMethods = false)
class AdminAuthentication implements WebMvcConfigurer {

    private final AdminToken token;

    AdminAuthentication(InventoryProperties settings) {
        this.token = new AdminToken(settings.adminToken());
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new HandlerInterceptor() {
            @Override
            public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
                if (handler instanceof HandlerMethod method && method.hasMethodAnnotation(AdminOnly.class)
                        && !token.admits(request.getHeader(HttpHeaders.AUTHORIZATION))) {
                    throw unauthorized();
                }
                return true;
            }
        });
    }

    private static ErrorResponseException unauthorized() {
        ProblemDetail problem = Problems.of(HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized",
                "This needs Authorization: Bearer <admin token>.");
        ErrorResponseException exception = new ErrorResponseException(HttpStatus.UNAUTHORIZED, problem, null);
        exception.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        return exception;
    }
}
