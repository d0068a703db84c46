/**
 * What keeps the processor observable and safe to run: the database circuit breaker that pauses
 * consumption, the lag gauge KEDA scales on, and the processor's meters.
 */
package io.spillway.processor.operations;
