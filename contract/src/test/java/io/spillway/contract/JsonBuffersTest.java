package io.spillway.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.RecyclerPool;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonBuffersTest {

    @Test
    void buffersUsedOnAVirtualThreadOutliveIt() throws Exception {
        ObjectMapper mapper = JsonBuffers.mapper().build();
        RecyclerPool<BufferRecycler> pool = mapper.getFactory()._getRecyclerPool();

        for (int i = 0; i < 3; i++) {
            Thread request = Thread.ofVirtual().start(() -> {
                try {
                    mapper.writeValueAsBytes(Map.of("orderId", "o-1"));
                    mapper.readTree("{\"saleId\":\"s-1\"}".getBytes(StandardCharsets.UTF_8));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            request.join();
        }

        // Jackson's default (thread-local) pool reports -1 here and keeps nothing once the thread is gone.
        assertThat(pool.pooledCount()).isPositive();
    }

    @Test
    void mapperFeaturesStayWithTheirOwnMapper() {
        ObjectMapper strict = JsonBuffers.mapper()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
        ObjectMapper plain = JsonBuffers.mapper().build();

        assertThat(strict.getFactory()).isNotSameAs(plain.getFactory());
        assertThat(plain.getFactory().isEnabled(JsonParser.Feature.STRICT_DUPLICATE_DETECTION))
                .isFalse();
    }
}
