package io.spillway.inventory.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.inventory.InventoryProperties;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration;
import org.springframework.boot.autoconfigure.security.oauth2.resource.servlet.OAuth2ResourceServerAutoConfiguration;
import org.springframework.boot.autoconfigure.security.servlet.SecurityAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/**
 * Start-up refuses a missing or short admin token, saying which setting to fix, unless operators
 * sign in with JWTs instead.
 */
class AdminSecurityTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({InventoryProperties.class, SecurityProperties.class})
    static class Settings {}

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, SecurityAutoConfiguration.class,
                    OAuth2ResourceServerAutoConfiguration.class))
            .withUserConfiguration(Settings.class, AdminSecurity.class);

    @Test
    void startsWithATokenOfSixteenCharacters() {
        runner.withPropertyValues("spillway.inventory.admin-token=0123456789abcdef")
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void refusesToStartWithoutAToken() {
        runner.withPropertyValues("spillway.inventory.admin-token=").run(context -> assertThat(context)
                .getFailure().rootCause().hasMessageContaining("SPILLWAY_ADMIN_TOKEN").hasMessageContaining("not set"));
        runner.run(context -> assertThat(context).getFailure().rootCause().hasMessageContaining("not set"));
    }

    @Test
    void refusesToStartWithAShortToken() {
        runner.withPropertyValues("spillway.inventory.admin-token=0123456789abcde").run(context -> assertThat(context)
                .getFailure().rootCause().hasMessageContaining("at least 16").hasMessageNotContaining("0123456789abcde"));
    }

    @Test
    void startsWithoutATokenWhenOperatorsSignInWithJwts() {
        runner.withPropertyValues("spillway.inventory.admin-token=",
                        "spring.security.oauth2.resourceserver.jwt.jwk-set-uri=https://idp.example.test/jwks")
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void aShortTokenStillStopsStartUpBesideJwts() {
        runner.withPropertyValues("spillway.inventory.admin-token=short",
                        "spring.security.oauth2.resourceserver.jwt.jwk-set-uri=https://idp.example.test/jwks")
                .run(context -> assertThat(context).getFailure().rootCause().hasMessageContaining("at least 16"));
    }
}
