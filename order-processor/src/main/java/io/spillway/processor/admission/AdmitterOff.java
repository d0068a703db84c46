package io.spillway.processor.admission;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/** Says once, at start-up, that the admitter is off because no admission keys are configured. */
@Component
class AdmitterOff {

    private static final Logger log = LoggerFactory.getLogger(AdmitterOff.class);

    AdmitterOff(Environment environment) {
        String keys = environment.getProperty("spillway.admission.keys");
        if (keys == null || keys.isBlank()) {
            log.info("the admitter is off: spillway.admission.keys is not set, so no admission token can be signed");
        }
    }
}
