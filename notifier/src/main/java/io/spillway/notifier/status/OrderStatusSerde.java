package io.spillway.notifier.status;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.spillway.contract.OrderId;
import io.spillway.contract.PaymentOutcome;
import io.spillway.contract.RejectionReason;
import io.spillway.contract.SaleId;
import io.spillway.contract.SeatId;
import io.spillway.contract.Sku;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The form of {@link OrderStatus} on the notifier's own internal topics (repartition topic, the
 * table's changelog, the status topic) and in its RocksDB stores. Only the notifier reads them, so
 * the form is private to it.
 *
 * <p>Binary: every decision is written and read several times on its way to the global store, and
 * JSON was the largest single cost of the stream threads (docs/benchmarks/notifier.md). A row is a
 * format byte, the order id as 16 bytes, the state, a byte saying which optional fields follow, the
 * fields (strings as an unsigned 16-bit length and UTF-8), and the time as epoch seconds and nanos,
 * then, when present, the hold's expiry, the payment (ref, outcome, decision time) and where the
 * order waits at its opening (pre-queue byte, opening time, place or -1; flag bit 7: a notifier
 * before the pre-queue cannot read such a row, so roll it out with the processor's opening). An unknown
 * quantity (a cancel that came before its order) is written as -1.
 * Rows written by earlier versions as JSON (they start with <code>{</code>) are still read, so a
 * changelog or status topic from before restores as it is.
 *
 * <p>Limits: an older notifier cannot read the binary form (it skips such records), so instances are
 * not rolled one by one across this change (docs/notifier.md, "The rows"). Strings longer than 65,535
 * bytes are refused; the contract's identifiers are far shorter.
 */
final class OrderStatusSerde implements Serde<OrderStatus>, Serializer<OrderStatus>, Deserializer<OrderStatus> {

    /** The first byte of a binary row; a JSON row starts with '{' (0x7B). */
    static final byte BINARY_V1 = 1;

    private static final int SALE = 1;
    private static final int SKU = 1 << 1;
    private static final int REASON = 1 << 2;
    private static final int PARTITION = 1 << 3;
    private static final int OFFSET = 1 << 4;
    private static final int HOLD = 1 << 5;
    private static final int PAYMENT = 1 << 6;
    private static final int OPENING = 1 << 7;

    private static final ObjectMapper LEGACY_JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    @Override
    public byte[] serialize(String topic, OrderStatus status) {
        if (status == null) {
            return null;
        }
        byte[] sale = status.saleId() == null ? null : utf8(status.saleId().value());
        byte[] sku = status.sku() == null ? null : utf8(status.sku().value());
        byte[] reason = status.reason() == null ? null : utf8(status.reason().name());
        OrderStatus.Payment payment = status.payment();
        byte[] paymentRef = payment == null ? null : utf8(payment.ref());
        byte[] paymentOutcome = payment == null ? null : utf8(payment.outcome().name());
        List<SeatId> seats = status.seats();
        byte[][] seatBytes = new byte[seats.size()][];
        int size = 1 + 16 + 1 + 1 + 4 + 2 + 8 + 4;
        for (int i = 0; i < seatBytes.length; i++) {
            seatBytes[i] = utf8(seats.get(i).value());
            size += 2 + seatBytes[i].length;
        }
        int flags = 0;
        if (sale != null) {
            flags |= SALE;
            size += 2 + sale.length;
        }
        if (sku != null) {
            flags |= SKU;
            size += 2 + sku.length;
        }
        if (reason != null) {
            flags |= REASON;
            size += 2 + reason.length;
        }
        if (status.requestPartition() != null) {
            flags |= PARTITION;
            size += 4;
        }
        if (status.requestOffset() != null) {
            flags |= OFFSET;
            size += 8;
        }
        if (status.holdExpiresAt() != null) {
            flags |= HOLD;
            size += 12;
        }
        if (payment != null) {
            flags |= PAYMENT;
            size += 2 + paymentRef.length + 2 + paymentOutcome.length + 12;
        }
        OrderStatus.Opening opening = status.opening();
        if (opening != null) {
            flags |= OPENING;
            size += 1 + 12 + 4;
        }
        if (seatBytes.length > 0xFFFF) {
            throw new IllegalArgumentException("too many seats for one order status: " + seatBytes.length);
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        UUID id = status.orderId().value();
        out.put(BINARY_V1).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
        out.put(stateCode(status.state())).put((byte) flags);
        putString(out, sale);
        putString(out, sku);
        out.putInt(status.quantity() == null ? -1 : status.quantity());
        out.putShort((short) seatBytes.length);
        for (byte[] seat : seatBytes) {
            putString(out, seat);
        }
        putString(out, reason);
        if (status.requestPartition() != null) {
            out.putInt(status.requestPartition());
        }
        if (status.requestOffset() != null) {
            out.putLong(status.requestOffset());
        }
        putInstant(out, status.updatedAt());
        if (status.holdExpiresAt() != null) {
            putInstant(out, status.holdExpiresAt());
        }
        if (payment != null) {
            putString(out, paymentRef);
            putString(out, paymentOutcome);
            putInstant(out, payment.decidedAt());
        }
        if (opening != null) {
            out.put((byte) (opening.prequeue() ? 1 : 0));
            putInstant(out, opening.opensAt());
            out.putInt(opening.drawPosition() == null ? -1 : opening.drawPosition());
        }
        return out.array();
    }

    @Override
    public OrderStatus deserialize(String topic, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        if (bytes.length > 0 && bytes[0] == '{') {
            return legacyJson(bytes);
        }
        if (bytes.length == 0 || bytes[0] != BINARY_V1) {
            throw new IllegalArgumentException("not an order status: unknown format "
                    + (bytes.length == 0 ? "(empty)" : Byte.toString(bytes[0])));
        }
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes, 1, bytes.length - 1);
            OrderId orderId = new OrderId(new UUID(in.getLong(), in.getLong()));
            OrderState state = state(in.get());
            int flags = in.get();
            SaleId sale = (flags & SALE) == 0 ? null : SaleId.of(getString(in));
            Sku sku = (flags & SKU) == 0 ? null : Sku.of(getString(in));
            int quantity = in.getInt();
            int seatCount = Short.toUnsignedInt(in.getShort());
            List<SeatId> seats = new ArrayList<>(seatCount);
            for (int i = 0; i < seatCount; i++) {
                seats.add(SeatId.of(getString(in)));
            }
            RejectionReason reason = (flags & REASON) == 0 ? null : RejectionReason.valueOf(getString(in));
            Integer partition = (flags & PARTITION) == 0 ? null : in.getInt();
            Long offset = (flags & OFFSET) == 0 ? null : in.getLong();
            Instant updatedAt = getInstant(in);
            Instant holdExpiresAt = (flags & HOLD) == 0 ? null : getInstant(in);
            OrderStatus.Payment payment = (flags & PAYMENT) == 0 ? null
                    : new OrderStatus.Payment(getString(in), PaymentOutcome.valueOf(getString(in)), getInstant(in));
            OrderStatus.Opening opening = null;
            if ((flags & OPENING) != 0) {
                boolean prequeue = in.get() == 1;
                Instant opensAt = getInstant(in);
                int place = in.getInt();
                opening = new OrderStatus.Opening(prequeue, opensAt, place < 0 ? null : place);
            }
            if (in.hasRemaining()) {
                throw new IllegalArgumentException(in.remaining() + " bytes after the row");
            }
            return new OrderStatus(orderId, state, sale, sku, quantity < 0 ? null : quantity, seats, reason,
                    partition, offset, updatedAt, holdExpiresAt, payment, opening);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("not an order status: the row is cut short", e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not an order status: " + e.getMessage(), e);
        }
    }

    private static OrderStatus legacyJson(byte[] json) {
        try {
            return LEGACY_JSON.readValue(json, OrderStatus.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("not an order status: " + e.getMessage(), e);
        }
    }

    private static byte stateCode(OrderState state) {
        // Fixed codes, not ordinals: reordering the enum must not change what stored rows mean.
        return switch (state) {
            case QUEUED -> 0;
            case CONFIRMED -> 1;
            case REJECTED -> 2;
            case PAID -> 3;
            case EXPIRED -> 4;
            case CANCELLED -> 5;
        };
    }

    private static OrderState state(byte code) {
        return switch (code) {
            case 0 -> OrderState.QUEUED;
            case 1 -> OrderState.CONFIRMED;
            case 2 -> OrderState.REJECTED;
            case 3 -> OrderState.PAID;
            case 4 -> OrderState.EXPIRED;
            case 5 -> OrderState.CANCELLED;
            default -> throw new IllegalArgumentException("unknown state " + code);
        };
    }

    private static void putInstant(ByteBuffer out, Instant instant) {
        out.putLong(instant.getEpochSecond()).putInt(instant.getNano());
    }

    private static Instant getInstant(ByteBuffer in) {
        return Instant.ofEpochSecond(in.getLong(), in.getInt());
    }

    private static byte[] utf8(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 0xFFFF) {
            throw new IllegalArgumentException("a string of " + bytes.length + " bytes does not fit an order status");
        }
        return bytes;
    }

    private static void putString(ByteBuffer out, byte[] bytes) {
        if (bytes != null) {
            out.putShort((short) bytes.length).put(bytes);
        }
    }

    private static String getString(ByteBuffer in) {
        int length = Short.toUnsignedInt(in.getShort());
        if (length > in.remaining()) {
            throw new BufferUnderflowException();
        }
        String value = new String(in.array(), in.arrayOffset() + in.position(), length, StandardCharsets.UTF_8);
        in.position(in.position() + length);
        return value;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {}

    @Override
    public void close() {}

    @Override
    public Serializer<OrderStatus> serializer() {
        return this;
    }

    @Override
    public Deserializer<OrderStatus> deserializer() {
        return this;
    }
}
