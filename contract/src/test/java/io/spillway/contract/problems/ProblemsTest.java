package io.spillway.contract.problems;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.json.Jackson2ObjectMapperBuilder;

class ProblemsTest {

    /** As Spring Boot's converters write a ProblemDetail (with Spring's problem mix-in). */
    private static final ObjectMapper JSON = Jackson2ObjectMapperBuilder.json().build();

    @Test
    void aProblemOfSpillwaysOwnKindIsWrittenWithTheContractsFieldsInRfcOrder() throws Exception {
        ProblemDetail problem = Problems.of(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request",
                "The sale is not valid.", List.of(new Violation("items[1].seats[0]", "must be 1-64 of A-Z")));

        assertThat(JSON.writeValueAsString(problem)).isEqualTo("{\"type\":\"urn:spillway:problem:invalid-request\","
                + "\"title\":\"Invalid request\",\"status\":400,\"detail\":\"The sale is not valid.\","
                + "\"errors\":[{\"field\":\"items[1].seats[0]\",\"message\":\"must be 1-64 of A-Z\"}]}");
    }

    @Test
    void itIsTheProblemTheServicesBuiltByHandBefore() {
        ProblemDetail byHand = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, "Sale s-1 exists already.");
        byHand.setType(URI.create("urn:spillway:problem:sale-exists"));
        byHand.setTitle("Sale exists");

        assertThat(Problems.of(HttpStatus.CONFLICT, "sale-exists", "Sale exists", "Sale s-1 exists already."))
                .isEqualTo(byHand);
    }

    @Test
    void aProblemWithoutFaultsHasNoErrors() throws Exception {
        ProblemDetail problem = Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "overloaded", "The service is shedding load",
                "Retry.", List.of());

        assertThat(problem.getProperties()).isNull();
        assertThat(JSON.readTree(JSON.writeValueAsString(problem)).has(Problems.ERRORS)).isFalse();
    }

    @Test
    void anUntypedProblemIsAboutBlankWithTheReasonPhraseUnlessTitled() throws Exception {
        assertThat(JSON.writeValueAsString(Problems.untyped(HttpStatus.INTERNAL_SERVER_ERROR, null, "No.")))
                .isEqualTo("{\"type\":\"about:blank\",\"title\":\"Internal Server Error\",\"status\":500,\"detail\":\"No.\"}");
        assertThat(Problems.untyped(HttpStatus.NOT_FOUND, "Order not found", "No.").getTitle()).isEqualTo("Order not found");
    }

    @Test
    void theAnswerOfAProblemIsProblemJsonWithItsStatusAndHeaders() {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.RETRY_AFTER, "1");
        headers.setContentType(MediaType.APPLICATION_JSON);

        ResponseEntity<ProblemDetail> answer = Problems.response(
                Problems.of(HttpStatus.TOO_MANY_REQUESTS, "rate-limited", "Too many requests", "Wait."), headers);

        assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        assertThat(answer.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(answer.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
    }

    @Test
    void anAnswerThatIsNotAProblemKeepsItsHeaders() {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.TEXT_PLAIN);

        ResponseEntity<Object> answer = Problems.response((Object) "text", headers, HttpStatus.BAD_REQUEST);

        assertThat(answer.getHeaders().getContentType()).isEqualTo(MediaType.TEXT_PLAIN);
        assertThat(Problems.response(null, null, HttpStatus.NO_CONTENT).getHeaders().getContentType()).isNull();
    }
}
