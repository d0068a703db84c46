/**
 * Where decisions go out: a poll's decisions and dead letters handed to the producer, and its offsets
 * released for commit only once the broker has every one of them, in poll order.
 */
package io.spillway.processor.publish;
