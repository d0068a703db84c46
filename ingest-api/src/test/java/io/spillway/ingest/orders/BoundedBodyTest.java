package io.spillway.ingest.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spillway.ingest.problems.Refusal;
import io.spillway.ingest.problems.RefusalKind;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class BoundedBodyTest {

    @Test
    void readsABodyUpToTheLimit() throws IOException {
        assertThat(BoundedBody.read(10, new ByteArrayInputStream(new byte[10]), 10)).hasSize(10);
        assertThat(BoundedBody.read(-1, new ByteArrayInputStream(new byte[3]), 10)).hasSize(3);
    }

    @Test
    void refusesADeclaredLengthOverTheLimitWithoutReading() {
        InputStream untouchable = new InputStream() {
            @Override
            public int read() {
                throw new AssertionError("the body must not be read");
            }
        };
        assertThatThrownBy(() -> BoundedBody.read(11, untouchable, 10)).isInstanceOfSatisfying(Refusal.class,
                r -> assertThat(r.kind()).isEqualTo(RefusalKind.BODY_TOO_LARGE));
    }

    @Test
    void readsAnUndeclaredBodyOnlyToOneBytePastTheLimit() {
        int[] served = {0};
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                served[0]++;
                return 'x';
            }
        };
        assertThatThrownBy(() -> BoundedBody.read(-1, endless, 10)).isInstanceOfSatisfying(Refusal.class,
                r -> assertThat(r.kind()).isEqualTo(RefusalKind.BODY_TOO_LARGE));
        assertThat(served[0]).isEqualTo(11);
    }
}
