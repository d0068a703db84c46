package io.spillway.inventory.admin;

import java.util.List;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;

/**
 * The local stack's sign-in: a bearer equal to the configured admin token is the admin. The
 * comparison is {@link AdminToken}'s (hashed, constant time). A bearer that is not the token is
 * handed on to the JWT provider when there is one, and refused when there is none.
 *
 * <p>Limits: the token is one shared secret, so the audit log names its holder {@code admin-token},
 * not a person; production should sign operators in with JWTs and leave the token unset.
 */
final class AdminTokenAuthentication implements AuthenticationProvider {

    static final String PRINCIPAL = "admin-token";

    private final AdminToken token;
    private final String adminAuthority;
    private final boolean lastProvider;

    AdminTokenAuthentication(AdminToken token, String adminAuthority, boolean lastProvider) {
        this.token = token;
        this.adminAuthority = adminAuthority;
        this.lastProvider = lastProvider;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        String presented = ((BearerTokenAuthenticationToken) authentication).getToken();
        if (token.admitsToken(presented)) {
            return UsernamePasswordAuthenticationToken.authenticated(
                    PRINCIPAL, null, List.of(new SimpleGrantedAuthority(adminAuthority)));
        }
        if (lastProvider) {
            throw new BadCredentialsException("not the admin token");
        }
        return null;
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return BearerTokenAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
