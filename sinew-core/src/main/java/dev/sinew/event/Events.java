package dev.sinew.event;

/**
 * The listener slot of one pipeline, shared by its policies. Policies test {@link #active()} before
 * building any event argument, so an idle pipeline pays one field read per event point. The
 * pipeline tests {@link #observed()} before timing a call.
 */
public final class Events {

    private volatile PipelineListener listener = PipelineListener.NONE;
    /** {@link #listener} when one of the attached listeners observes calls, else NONE. */
    private volatile PipelineListener callListener = PipelineListener.NONE;

    /** True when at least one listener is attached. */
    public boolean active() {
        return listener != PipelineListener.NONE;
    }

    /** The current listener ({@link PipelineListener#NONE} when nobody listens). */
    public PipelineListener listener() {
        return listener;
    }

    /**
     * True when an attached listener {@linkplain PipelineListener#observesCalls() observes calls}:
     * the pipeline then times each call and reports it to {@link #callListener()}.
     */
    public boolean observed() {
        return callListener != PipelineListener.NONE;
    }

    /** Who gets {@code onSuccess}/{@code onFailure}: every listener when one observes calls, else {@link PipelineListener#NONE}. */
    public PipelineListener callListener() {
        return callListener;
    }

    /** Attaches a listener; events go to every attached listener in attach order. */
    public synchronized void add(PipelineListener l) {
        if (l == null) {
            throw new IllegalArgumentException("listener must not be null");
        }
        set(Listeners.of(listener, l));
    }

    /** Detaches a listener attached with {@link #add}. */
    public synchronized void remove(PipelineListener l) {
        set(Listeners.without(listener, l));
    }

    private void set(PipelineListener l) {
        listener = l;
        callListener = l.observesCalls() ? l : PipelineListener.NONE;
    }
}
