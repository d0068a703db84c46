package io.spillway.contract;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Jackson mappers whose parsers and generators reuse their buffers across threads.
 *
 * <p>Jackson's default pool keeps the buffers (a generator takes about 12 KiB: an 8,000-byte output
 * buffer and a 2,000-char one) in a {@code ThreadLocal}. A request on a virtual thread is that
 * thread's whole life, so with the default every parse and every write allocated them anew: three
 * times per order at the door (the request, the Kafka record, the 202 body). Shared, they took a
 * third of the door's young collections away at saturation (docs/benchmarks/ingest.md, 2026-12-03).
 * This pool is Jackson's shared bounded one: buffers go back to it when a parser or generator is
 * closed, from whichever thread, and it holds at most Jackson's default number of them.
 */
public final class JsonBuffers {

    private JsonBuffers() {}

    /** A builder over a factory of its own (mapper features change the factory) with the shared pool. */
    public static JsonMapper.Builder mapper() {
        return JsonMapper.builder(factory());
    }

    private static JsonFactory factory() {
        return JsonFactory.builder().recyclerPool(JsonRecyclerPools.sharedBoundedPool()).build();
    }
}
