package io.spillway.inventory.sales;

import io.spillway.contract.problems.Problems;
import io.spillway.contract.problems.Violation;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Bounds the body of {@code POST /api/v1/sales}. The body is counted as the JSON reader takes it,
 * never buffered first: a declared {@code Content-Length} over the limit fails the first read
 * before a byte is taken, a chunked body fails on the byte past the limit. Either way the answer is
 * 413 problem+json ({@link BodyTooLarge}, through the usual error handling) and the connection is
 * closed, so the rest of the body is not read either.
 *
 * <p>Limits: what was read before the limit was parsed; the limit is chosen from the largest valid
 * sale, so that is at most what a valid request costs.
 */
final class SaleBodyLimit extends OncePerRequestFilter {

    private final long maxBytes;

    SaleBodyLimit(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !"POST".equals(request.getMethod());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        chain.doFilter(new Bounded(request, maxBytes), response);
    }

    /** 413: the body is larger than {@code max-sale-body}. */
    static final class BodyTooLarge extends ErrorResponseException {

        BodyTooLarge(long maxBytes) {
            super(HttpStatus.PAYLOAD_TOO_LARGE, Problems.of(HttpStatus.PAYLOAD_TOO_LARGE, "body-too-large",
                    "The body is too large", "The body must not exceed " + maxBytes + " bytes.",
                    List.of(new Violation("body", "must not exceed " + maxBytes + " bytes"))), null);
            getHeaders().set(HttpHeaders.CONNECTION, "close");
        }
    }

    private static final class Bounded extends HttpServletRequestWrapper {

        private final long maxBytes;
        private ServletInputStream stream;

        Bounded(HttpServletRequest request, long maxBytes) {
            super(request);
            this.maxBytes = maxBytes;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new Counting(super.getInputStream(), getContentLengthLong(), maxBytes);
            }
            return stream;
        }

        @Override
        public BufferedReader getReader() throws IOException {
            return new BufferedReader(new InputStreamReader(getInputStream(), getCharacterEncoding() == null
                    ? "UTF-8" : getCharacterEncoding()));
        }
    }

    private static final class Counting extends ServletInputStream {

        private final ServletInputStream in;
        private final long declared;
        private final long maxBytes;
        private long read;

        Counting(ServletInputStream in, long declared, long maxBytes) {
            this.in = in;
            this.declared = declared;
            this.maxBytes = maxBytes;
        }

        @Override
        public int read() throws IOException {
            refuseIfTooLarge();
            int b = in.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            refuseIfTooLarge();
            int n = in.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) {
            read += n;
            refuseIfTooLarge();
        }

        private void refuseIfTooLarge() {
            if (declared > maxBytes || read > maxBytes) {
                throw new BodyTooLarge(maxBytes);
            }
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
