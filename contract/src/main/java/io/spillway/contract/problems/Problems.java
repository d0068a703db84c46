package io.spillway.contract.problems;

import java.net.URI;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/**
 * The one way Spillway's services build their error answers (CONTRACT.md, "Every error body is
 * application/problem+json"; RFC 9457): {@code type}, {@code title}, {@code status}, {@code detail}
 * and, for a request with faults, {@code errors} as a list of {@link Violation}s. A problem a client
 * can switch on has a type of Spillway's own, {@code urn:spillway:problem:<slug>}; one it need not
 * tell apart (a 500, a 404 of an unknown path) keeps RFC 9457's {@code about:blank}. The bodies are
 * Spring's {@link ProblemDetail}, so that Spring's own errors and the services' are rendered alike.
 *
 * <p>Limits: it builds bodies and answers, nothing else. Which exception carries a problem, how it is
 * counted or logged, and which headers go with it ({@code Retry-After}, {@code WWW-Authenticate})
 * stay with each service. Needs spring-web, an optional dependency of the contract that every web
 * service has.
 */
public final class Problems {

    /** The property of a problem body that lists a request's faults. */
    public static final String ERRORS = "errors";

    private static final String TYPE_PREFIX = "urn:spillway:problem:";

    private Problems() {}

    /** {@code urn:spillway:problem:<slug>}: the stable name of a kind of problem. */
    public static URI type(String slug) {
        return URI.create(TYPE_PREFIX + slug);
    }

    /** A problem of Spillway's own kind {@code slug}. */
    public static ProblemDetail of(HttpStatusCode status, String slug, String title, String detail) {
        return of(status, slug, title, detail, List.of());
    }

    /** A problem of Spillway's own kind {@code slug}, with {@code errors} when there are any. */
    public static ProblemDetail of(
            HttpStatusCode status, String slug, String title, String detail, List<Violation> errors) {
        ProblemDetail problem = untyped(status, title, detail);
        problem.setType(type(slug));
        if (!errors.isEmpty()) {
            problem.setProperty(ERRORS, List.copyOf(errors));
        }
        return problem;
    }

    /**
     * A problem of type {@code about:blank}.
     *
     * @param title null for the status' reason phrase
     */
    public static ProblemDetail untyped(HttpStatusCode status, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        if (title != null) {
            problem.setTitle(title);
        }
        return problem;
    }

    /** The answer for a problem: its status, the headers given, and the problem+json type. */
    public static ResponseEntity<ProblemDetail> response(ProblemDetail problem, HttpHeaders headers) {
        return response(problem, headers, HttpStatusCode.valueOf(problem.getStatus()));
    }

    /**
     * An answer whose type is set, not negotiated, when its body is a problem: a client's
     * {@code Accept} header must not turn an error into a 406 or into plain JSON. Any other body
     * keeps the headers given. Shaped for {@code ResponseEntityExceptionHandler}'s hooks (MVC and
     * WebFlux alike).
     *
     * @param headers may be null
     */
    public static <T> ResponseEntity<T> response(T body, HttpHeaders headers, HttpStatusCode status) {
        HttpHeaders answer = new HttpHeaders();
        if (headers != null) {
            answer.putAll(headers);
        }
        if (body instanceof ProblemDetail) {
            answer.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        }
        return new ResponseEntity<>(body, answer, status);
    }
}
