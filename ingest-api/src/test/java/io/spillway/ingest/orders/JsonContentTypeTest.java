package io.spillway.ingest.orders;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.ingest.problems.Refusal;
import io.spillway.ingest.problems.RefusalKind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class JsonContentTypeTest {

    @ParameterizedTest
    @ValueSource(strings = {"application/json", "Application/JSON", "application/json; charset=utf-8",
        "application/json;charset=UTF-8", "application/json; charset=\"utf-8\""})
    void takesJsonInUtf8(String contentType) {
        assertThatCode(() -> JsonContentType.require(contentType)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "text/plain", "application/xml", "application/jsonx", "application/problem+json",
        "application/json; charset=iso-8859-1", "application/json; charset", "multipart/form-data"})
    void refusesAnythingElse(String contentType) {
        assertThatThrownBy(() -> JsonContentType.require(contentType))
                .isInstanceOfSatisfying(Refusal.class, r -> org.assertj.core.api.Assertions.assertThat(r.kind())
                        .isEqualTo(RefusalKind.NOT_JSON));
    }
}
