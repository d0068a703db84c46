package io.spillway.inventory.rooms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.contract.admission.AdmissionKeys;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.web.ErrorResponseException;

class JwksControllerTest {

    @Test
    void withoutKeysThereIsNoJwksRatherThanAnEmptyOne() {
        JwksController controller = new JwksController(new StaticListableBeanFactory().getBeanProvider(AdmissionKeys.class));

        assertThatThrownBy(controller::jwks).isInstanceOfSatisfying(ErrorResponseException.class,
                answer -> assertThat(answer.getStatusCode().value()).isEqualTo(404));
    }

    @Test
    void bothKeysOfARotationAreServedWithoutTheirPrivateParts() {
        String old = AdmissionKeys.generate("admission-1");
        String next = AdmissionKeys.generate("admission-2");
        String both = "{\"keys\":[" + inner(old) + "," + inner(next) + "]}";
        StaticListableBeanFactory beans = new StaticListableBeanFactory();
        beans.addBean("keys", AdmissionKeys.parse(both, "admission-2"));

        String served = new JwksController(beans.getBeanProvider(AdmissionKeys.class)).jwks().getBody();

        assertThat(served).contains("\"kid\":\"admission-1\"", "\"kid\":\"admission-2\"").doesNotContain("\"d\"");
    }

    private static String inner(String jwkSet) {
        return jwkSet.substring(jwkSet.indexOf('[') + 1, jwkSet.lastIndexOf(']'));
    }
}
