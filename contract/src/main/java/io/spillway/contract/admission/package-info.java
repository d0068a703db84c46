/**
 * Admission mode (CONTRACT.md, "Admission: a waiting room in front of any checkout"): what the
 * services say to each other about rooms, their entries and the admissions the processor grants,
 * and the ES256 tokens a shop verifies on its own. The design is in docs/design/admission.md.
 */
package io.spillway.contract.admission;
