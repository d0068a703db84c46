package io.spillway.inventory.audit;

import io.spillway.inventory.admin.AdminOnly;
import org.springframework.core.MethodParameter;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyAdvice;

/**
 * Audits the answers of {@link AdminOnly} handlers that do not audit themselves (creating a sale):
 * the action is the request's method and path, the after-state the body answered. Only successes:
 * a refusal changed nothing.
 *
 * <p>Limits: written after the handler's transaction committed, so a crash in between loses the
 * entry (the log line too); handlers that change state and are new audit inside their transaction.
 */
@ControllerAdvice
class AuditedAnswers implements ResponseBodyAdvice<Object> {

    private final AuditLog audit;

    AuditedAnswers(AuditLog audit) {
        this.audit = audit;
    }

    @Override
    public boolean supports(MethodParameter returnType, Class<? extends HttpMessageConverter<?>> converterType) {
        return returnType.hasMethodAnnotation(AdminOnly.class);
    }

    @Override
    public Object beforeBodyWrite(
            Object body, MethodParameter returnType, MediaType contentType,
            Class<? extends HttpMessageConverter<?>> converterType, ServerHttpRequest request, ServerHttpResponse response) {
        int status = response instanceof ServletServerHttpResponse servlet ? servlet.getServletResponse().getStatus() : 200;
        if (status < 300) {
            // What was made, when the answer says (a 201's Location), else what was asked.
            java.net.URI location = response.getHeaders().getLocation();
            String target = location != null ? location.getPath() : request.getURI().getPath();
            audit.record(request.getMethod() + " " + request.getURI().getPath(), target, null, body);
        }
        return body;
    }
}
