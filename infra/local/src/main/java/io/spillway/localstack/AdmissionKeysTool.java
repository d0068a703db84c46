package io.spillway.localstack;

import io.spillway.contract.admission.AdmissionKeys;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The admission tokens' keys for {@code ./spillway up} and for operators: with no argument, a new JWK
 * set of one private EC P-256 key ({@code kid} {@code admission-1}, or the one given with
 * {@code --kid}) on standard output; with {@code --public FILE}, the public parts of the set in FILE,
 * for the services that only verify (ingest-api, inventory-service). docs/admission.md, "Keys".
 */
public final class AdmissionKeysTool {

    private AdmissionKeysTool() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("--public")) {
            String set = Files.readString(Path.of(args[1]));
            // Any kid of the set will do as the "signing" one: only the public parts are printed.
            String kid = com.nimbusds.jose.jwk.JWKSet.parse(set).getKeys().getFirst().getKeyID();
            System.out.println(AdmissionKeys.parse(set, kid).publicJwks());
        } else if (args.length == 0 || args.length == 2 && args[0].equals("--kid")) {
            System.out.println(AdmissionKeys.generate(args.length == 2 ? args[1] : "admission-1"));
        } else {
            System.err.println("usage: AdmissionKeysTool [--kid KID] | --public JWKS_FILE");
            System.exit(2);
        }
    }
}
