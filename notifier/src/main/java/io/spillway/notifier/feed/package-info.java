/** Plain consumers that read every partition of a topic without a group, for each instance's own use. */
package io.spillway.notifier.feed;
