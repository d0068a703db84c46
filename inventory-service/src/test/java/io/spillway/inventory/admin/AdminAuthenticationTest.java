package io.spillway.inventory.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.inventory.InventoryProperties;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** Start-up refuses a missing or short admin token, saying which setting to fix. */
class AdminAuthenticationTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(InventoryProperties.class)
    static class Settings {}

    private final WebApplicationContextRunner runner =
            new WebApplicationContextRunner().withUserConfiguration(Settings.class, AdminAuthentication.class);

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
}
