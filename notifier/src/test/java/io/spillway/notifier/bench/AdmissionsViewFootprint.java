package io.spillway.notifier.bench;

import io.spillway.contract.CustomerId;
import io.spillway.contract.admission.AdmissionJson;
import io.spillway.contract.admission.EntryAdmitted;
import io.spillway.contract.admission.EntryId;
import io.spillway.contract.admission.EntryWaiting;
import io.spillway.contract.admission.RoomId;
import io.spillway.notifier.entries.AdmissionsView;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Instant;
import java.util.UUID;

/**
 * Heap per entry of the notifier's admissions view (docs/benchmarks/admission.md): N waiting entries,
 * then the same N admitted (each with a token of a real ES256 JWT's length), read through the
 * contract's JSON as the feed reads them; heap after full collections against the empty view.
 * {@code BENCH=AdmissionsViewFootprint notifier/bench/run.sh [-Dentries=200000]}
 */
public final class AdmissionsViewFootprint {

    public static void main(String[] args) {
        int entries = Integer.getInteger("entries", 200_000);
        RoomId room = RoomId.of("footprint-room");
        Instant opensAt = Instant.parse("2026-12-24T09:00:00Z");
        // An ES256 JWT with this contract's claims is about 330 characters.
        String token = "e".repeat(330);
        AdmissionsView view = new AdmissionsView();
        long empty = heapAfterGc();
        for (int i = 0; i < entries; i++) {
            EntryId entry = EntryId.of(room, CustomerId.of("buyer-" + i));
            view.apply(AdmissionJson.readEvent(AdmissionJson.writeEvent(
                    new EntryWaiting(1, entry, room, (long) i + 1, false, opensAt, opensAt.plusMillis(i)))));
        }
        long waiting = heapAfterGc();
        for (int i = 0; i < entries; i++) {
            EntryId entry = EntryId.of(room, CustomerId.of("buyer-" + i));
            Instant at = opensAt.plusSeconds(60).plusMillis(i);
            view.apply(AdmissionJson.readEvent(AdmissionJson.writeEvent(new EntryAdmitted(1, entry, room,
                    CustomerId.of("buyer-" + i), i + 1, UUID.randomUUID(), token, at.plusSeconds(900),
                    URI.create("https://shop.example/checkout"), at))));
        }
        long admitted = heapAfterGc();
        System.out.printf("entries %d: waiting %.0f B per entry, admitted %.0f B per entry (view holds %d)%n", entries,
                (waiting - empty) / (double) entries, (admitted - empty) / (double) entries, view.entries());
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
