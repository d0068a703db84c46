package io.spillway.contract.spring;

import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * {@code spillway.admission.keys} set to something. An empty value (an unset environment variable a
 * launcher or a manifest passes on) means no keys, not keys that fail to parse: every bean that needs
 * the keys is conditional on this, so a service without them starts, with admission off.
 */
public final class AdmissionKeysConfigured implements Condition {

    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
        String keys = context.getEnvironment().getProperty("spillway.admission.keys");
        return keys != null && !keys.isBlank();
    }
}
