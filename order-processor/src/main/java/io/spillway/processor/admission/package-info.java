/**
 * The admitter (docs/design/admission.md, "The admitter"): reads the rooms' lines from
 * {@code orders.entries}, puts entries in line, draws the pre-queue, and admits at the room's rates
 * with signed tokens, every step behind the room's {@code room_lines} row lock. The decisions of the
 * rates and of the draw are plain Java ({@link io.spillway.processor.admission.AdmissionBudget},
 * {@link io.spillway.processor.admission.RoomDraw}); the rest is JDBC and Kafka.
 */
package io.spillway.processor.admission;
