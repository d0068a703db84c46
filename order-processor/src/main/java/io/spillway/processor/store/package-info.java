/**
 * One poll decided in one PostgreSQL transaction: read every item's state at once, let
 * {@code reservation} decide, write the changes version-guarded, retry on a conflict with another
 * processor. All JDBC of the processor lives here.
 */
package io.spillway.processor.store;
