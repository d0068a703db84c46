package io.spillway.contract;

/** Kafka serde for one kind of event, in {@link EventJson}'s form. */
public final class EventSerde<T extends OrderEvent> extends JsonSerde<T> {

    private EventSerde(Class<T> type) {
        super(EventJson::write, json -> EventJson.read(json, type));
    }

    public static EventSerde<OrderRequested> requests() {
        return new EventSerde<>(OrderRequested.class);
    }

    public static EventSerde<OrderDecision> decisions() {
        return new EventSerde<>(OrderDecision.class);
    }

    public static EventSerde<OrderEvent> events() {
        return new EventSerde<>(OrderEvent.class);
    }
}
