package io.spillway.contract.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.JWKSet;
import io.spillway.contract.CustomerId;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AdmissionTokensTest {

    private static final RoomId ROOM = RoomId.of("shop-1");
    private static final Instant NOW = Instant.parse("2026-12-07T09:00:00Z");

    private final String oldSet = AdmissionKeys.generate("old");
    private final AdmissionTokens tokens = new AdmissionTokens(AdmissionKeys.parse(oldSet, "old"));

    private AdmissionTokens.Claims claims() {
        return new AdmissionTokens.Claims(CustomerId.of("c-1"), ROOM, UUID.randomUUID(), NOW, NOW.plusSeconds(600));
    }

    @Test
    void a_signed_token_verifies_and_says_what_was_signed() {
        AdmissionTokens.Claims claims = claims();
        AdmissionTokens.Check check = tokens.verify(tokens.sign(claims), ROOM, NOW.plusSeconds(1));
        assertThat(check.valid()).isTrue();
        assertThat(check.claims()).isEqualTo(claims);
        assertThat(check.claims().entryId()).isEqualTo(EntryId.of(ROOM, CustomerId.of("c-1")));
    }

    @Test
    void tampered_expired_other_room_and_unknown_key_tokens_are_refused() {
        String token = tokens.sign(claims());
        String[] parts = token.split("\\.");
        String forgedPayload = Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(Base64.getUrlDecoder().decode(parts[1])).replace("c-1", "c-2").getBytes());
        assertThat(tokens.verify(parts[0] + "." + forgedPayload + "." + parts[2], ROOM, NOW).refusal())
                .isEqualTo(AdmissionTokens.Refusal.BAD_SIGNATURE);
        assertThat(tokens.verify(token, ROOM, NOW.plusSeconds(600)).refusal()).isEqualTo(AdmissionTokens.Refusal.EXPIRED);
        assertThat(tokens.verify(token, RoomId.of("shop-2"), NOW).refusal()).isEqualTo(AdmissionTokens.Refusal.OTHER_ROOM);
        assertThat(tokens.verify("not.a.jwt", ROOM, NOW).refusal()).isEqualTo(AdmissionTokens.Refusal.MALFORMED);
        assertThat(tokens.verify(null, ROOM, NOW).valid()).isFalse();

        AdmissionTokens stranger = new AdmissionTokens(AdmissionKeys.parse(AdmissionKeys.generate("old"), "old"));
        assertThat(tokens.verify(stranger.sign(claims()), ROOM, NOW).refusal())
                .isEqualTo(AdmissionTokens.Refusal.BAD_SIGNATURE);
    }

    @Test
    void during_a_rotation_both_keys_verify_and_after_it_the_old_one_does_not() throws Exception {
        String newSet = AdmissionKeys.generate("new");
        String both = new JWKSet(java.util.List.of(
                JWKSet.parse(newSet).getKeys().get(0), JWKSet.parse(oldSet).getKeys().get(0))).toString(false);
        AdmissionTokens rotating = new AdmissionTokens(AdmissionKeys.parse(both, "new"));
        String signedByOld = tokens.sign(claims());
        assertThat(rotating.verify(signedByOld, ROOM, NOW).valid()).isTrue();
        assertThat(rotating.verify(rotating.sign(claims()), ROOM, NOW).valid()).isTrue();

        AdmissionKeys served = AdmissionKeys.parse(both, "new");
        assertThat(JWKSet.parse(served.publicJwks()).getKeys()).hasSize(2)
                .allSatisfy(key -> assertThat(key.isPrivate()).isFalse());

        AdmissionTokens rotated = new AdmissionTokens(AdmissionKeys.parse(newSet, "new"));
        assertThat(rotated.verify(signedByOld, ROOM, NOW).refusal()).isEqualTo(AdmissionTokens.Refusal.UNKNOWN_KEY);
    }

    @Test
    void a_set_without_the_private_part_verifies_but_cannot_sign() throws Exception {
        AdmissionKeys publicOnly = AdmissionKeys.parse(AdmissionKeys.parse(oldSet, "old").publicJwks(), "old");
        assertThat(publicOnly.canSign()).isFalse();
        assertThat(new AdmissionTokens(publicOnly).verify(tokens.sign(claims()), ROOM, NOW).valid()).isTrue();
        assertThatThrownBy(() -> new AdmissionTokens(publicOnly).sign(claims())).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> AdmissionKeys.parse(oldSet, "missing")).isInstanceOf(IllegalArgumentException.class);
    }
}
