package io.spillway.ingest.orders;

import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Serves the OpenAPI description of this API. The file is docs/openapi/ingest-api.yaml, packaged as
 * it is checked in, so the served and the reviewed description cannot drift apart.
 */
@RestController
class OpenApiController {

    static final String PATH = "/openapi/ingest-api.yaml";
    private static final Resource DESCRIPTION = new ClassPathResource("openapi/ingest-api.yaml");

    @GetMapping(PATH)
    ResponseEntity<Resource> description() {
        return ResponseEntity.ok().contentType(MediaType.parseMediaType("application/yaml")).body(DESCRIPTION);
    }
}
