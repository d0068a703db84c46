package io.spillway.inventory.rooms;

import io.spillway.contract.admission.RoomId;
import io.spillway.contract.problems.Problems;
import io.spillway.contract.problems.Violation;
import io.spillway.inventory.catalog.CatalogRelay;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/rooms} (CONTRACT.md, "Admission"): admins create rooms, change their rates live,
 * pause, resume and close them, with the URL shapes of the sales' API. Every change is audited by
 * {@link RoomStore} in its transaction (so none of these is {@code @AdminOnly}'s after-the-fact
 * audit); the admin guard is {@code AdminSecurity}'s, on every {@code /api/**} path. Only the draw
 * is public, as a sale's.
 */
@RestController
class RoomsController {


    private final RoomStore rooms;
    private final CatalogRelay relay;

    RoomsController(RoomStore rooms, ObjectProvider<CatalogRelay> relay) {
        this.rooms = rooms;
        this.relay = relay.getIfAvailable();
    }

    @PostMapping(path = "/api/v1/rooms", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<RoomView> create(@RequestBody RoomRequest request) {
        NewRoom room = switch (RoomRules.check(request)) {
            case RoomRules.Valid valid -> valid.room();
            case RoomRules.Invalid invalid -> throw invalid(invalid.violations(), "The room is not valid.");
        };
        RoomView view = rooms.create(room);
        if (relay != null) {
            // As for a sale: the relay publishes what is committed, and waiting for it makes a 201
            // mean, in the usual case, that every door already takes entries for the room.
            relay.awaitPublished(room.roomId());
        }
        return ResponseEntity.created(URI.create(RoomStore.target(room.roomId())))
                .cacheControl(CacheControl.noStore()).body(view);
    }

    @GetMapping("/api/v1/rooms")
    ResponseEntity<List<RoomView>> list() {
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(rooms.list());
    }

    @GetMapping("/api/v1/rooms/{roomId}")
    ResponseEntity<RoomView> get(@PathVariable String roomId) {
        return answer(roomId, rooms::find);
    }

    /** The two rates, live: the admitter reads them at its next step, the door's view within a poll. */
    @PatchMapping(path = "/api/v1/rooms/{roomId}", consumes = {"application/json", "application/merge-patch+json"})
    ResponseEntity<RoomView> changeRates(@PathVariable String roomId, @RequestBody RateChange change) {
        List<Violation> violations = RoomRules.checkRates(change);
        if (!violations.isEmpty()) {
            throw invalid(violations, "The change of rates is not valid.");
        }
        return answer(roomId, id -> rooms.changeRates(id, change));
    }

    /** Paused: the door refuses entries (409, Retry-After), the admitter admits nobody; the line stays. */
    @PostMapping("/api/v1/rooms/{roomId}/pause")
    ResponseEntity<RoomView> pause(@PathVariable String roomId) {
        return answer(roomId, id -> rooms.setPaused(id, true));
    }

    @PostMapping("/api/v1/rooms/{roomId}/resume")
    ResponseEntity<RoomView> resume(@PathVariable String roomId) {
        return answer(roomId, id -> rooms.setPaused(id, false));
    }

    /** Closed for good: the door refuses entries, every waiting entry ends {@code CLOSED}. */
    @PostMapping("/api/v1/rooms/{roomId}/close")
    ResponseEntity<RoomView> close(@PathVariable String roomId) {
        return answer(roomId, rooms::close);
    }

    /**
     * The draw's public part, as a sale's: the commitment from creation on, the seed once the
     * admitter has put the pre-queue in line. A buyer's key is {@code HMAC-SHA256(seed, entryId)}
     * (docs/admission.md).
     */
    @GetMapping("/api/v1/rooms/{roomId}/draw")
    ResponseEntity<DrawAnswer> draw(@PathVariable String roomId) {
        RoomView room = known(roomId).flatMap(rooms::find).orElseThrow(() -> unknown(roomId));
        boolean revealed = room.draw().seed() != null;
        return ResponseEntity.ok()
                // Revealed, it never changes again; before, the reveal should show within seconds.
                .cacheControl(revealed ? CacheControl.maxAge(Duration.ofMinutes(1)).cachePublic()
                        : CacheControl.maxAge(Duration.ofSeconds(5)).cachePublic())
                .body(new DrawAnswer(room.roomId(), room.openingOrder().name(), room.draw().commitment(), room.draw().seed()));
    }

    record DrawAnswer(String roomId, String openingOrder, String commitment, String seed) {}

    private ResponseEntity<RoomView> answer(String roomId, Function<RoomId, Optional<RoomView>> action) {
        RoomView view = known(roomId).flatMap(action).orElseThrow(() -> unknown(roomId));
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(view);
    }

    private static Optional<RoomId> known(String roomId) {
        return RoomId.isValid(roomId) ? Optional.of(RoomId.of(roomId)) : Optional.empty();
    }

    private static ErrorResponseException invalid(List<Violation> violations, String detail) {
        return new ErrorResponseException(HttpStatus.BAD_REQUEST,
                Problems.of(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", detail, violations), null);
    }

    private static ErrorResponseException unknown(String roomId) {
        return new ErrorResponseException(HttpStatus.NOT_FOUND,
                Problems.of(HttpStatus.NOT_FOUND, "unknown-room", "Unknown room", "There is no room " + roomId + "."), null);
    }
}
