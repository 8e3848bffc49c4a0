package dev.sinew.event;

/**
 * The listener slot of one pipeline, shared by its policies. Policies test {@link #active()} before
 * building any event argument, so an idle pipeline pays one field read per event point.
 */
public final class Events {

    private volatile PipelineListener listener = PipelineListener.NONE;

    /** True when at least one listener is attached. */
    public boolean active() {
        return listener != PipelineListener.NONE;
    }

    /** The current listener ({@link PipelineListener#NONE} when nobody listens). */
    public PipelineListener listener() {
        return listener;
    }

    /** Attaches a listener; events go to every attached listener in attach order. */
    public synchronized void add(PipelineListener l) {
        if (l == null) {
            throw new IllegalArgumentException("listener must not be null");
        }
        listener = Listeners.of(listener, l);
    }

    /** Detaches a listener attached with {@link #add}. */
    public synchronized void remove(PipelineListener l) {
        listener = Listeners.without(listener, l);
    }
}
