package io.spillway.ingest.orders;

import io.spillway.ingest.problems.Refusal;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a request body of at most {@code maxBytes}. A declared length over the limit is refused
 * before anything is read; a chunked body is read only to one byte past the limit, so a client can
 * never make the door hold more than that.
 */
public final class BoundedBody {

    private BoundedBody() {}

    public static byte[] read(long declaredLength, InputStream in, int maxBytes) throws IOException {
        if (declaredLength > maxBytes) {
            throw Refusal.tooLarge(maxBytes);
        }
        byte[] body = in.readNBytes(maxBytes + 1);
        if (body.length > maxBytes) {
            throw Refusal.tooLarge(maxBytes);
        }
        return body;
    }
}
