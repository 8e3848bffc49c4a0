package dev.sinew.fallback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sinew.event.PipelineListener;
import dev.sinew.event.RejectionKind;
import dev.sinew.pipeline.Classifier;
import dev.sinew.pipeline.Pipeline;
import dev.sinew.pipeline.RefusingPolicy;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class FallbackTest {

    @Test
    void answersForAFailureWithTheCauseAtHand() throws Exception {
        IOException boom = new IOException("down");
        Pipeline p = Pipeline.builder("catalog")
                .add(Fallback.of(cause -> "cached because " + cause.error().getMessage()))
                .build();
        assertThat(p.<String>call(() -> {
            throw boom;
        })).isEqualTo("cached because down");
        assertThat(p.call(() -> "live")).isEqualTo("live");
    }

    @Test
    void tellsRejectionsFromFailures() throws Exception {
        Pipeline p = Pipeline.builder("recs")
                .add(Fallback.of(cause -> cause.isRejected() ? "rejected:" + cause.rejectionKind() : "failed"))
                .add(new RefusingPolicy())
                .build();
        assertThat(p.call(() -> "never")).isEqualTo("rejected:" + RejectionKind.CIRCUIT_OPEN);
    }

    @Test
    void rejectionsCanBeLeftToTheCaller() {
        Pipeline p = Pipeline.builder("recs")
                .add(Fallback.builder(cause -> "fb").handleRejections(false).build())
                .add(new RefusingPolicy())
                .build();
        assertThat(p.tryCall(() -> "never").isRejected()).isTrue();
    }

    @Test
    void answersForFailingResults() throws Exception {
        record Response(int status) {
        }
        Classifier c = Classifier.builder().<Response>failOnResult(r -> r.status() >= 500).build();
        Pipeline p = Pipeline.builder("http").classifier(c)
                .add(Fallback.of(cause -> new Response(299)))
                .build();
        assertThat(p.call(() -> new Response(503))).isEqualTo(new Response(299));
        assertThat(p.call(() -> new Response(404))).isEqualTo(new Response(404));
    }

    @Test
    void ignoredAndUnhandledExceptionsPassThrough() {
        Classifier c = Classifier.builder().ignore(IllegalArgumentException.class).build();
        Pipeline p = Pipeline.builder("x").classifier(c)
                .add(Fallback.builder(cause -> "fb").handle(IOException.class).build())
                .build();
        IllegalArgumentException bad = new IllegalArgumentException("bad input");
        IllegalStateException other = new IllegalStateException("not handled");
        assertThatThrownBy(() -> p.call(() -> {
            throw bad;
        })).isSameAs(bad);
        assertThatThrownBy(() -> p.call(() -> {
            throw other;
        })).isSameAs(other);
    }

    @Test
    void aFailingFallbackThrowsItsOwnException() {
        IllegalStateException fbFailure = new IllegalStateException("cache empty");
        Pipeline p = Pipeline.builder("x").add(Fallback.of(cause -> {
            throw fbFailure;
        })).build();
        assertThatThrownBy(() -> p.call(() -> {
            throw new IOException("down");
        })).isSameAs(fbFailure);
    }

    @Test
    void asyncFallback() throws Exception {
        Pipeline p = Pipeline.builder("x").add(Fallback.of(cause -> "fb:" + cause.error().getMessage())).build();
        CompletableFuture<String> f = p.callAsync(() -> CompletableFuture.failedFuture(new IOException("down")));
        assertThat(f.get()).isEqualTo("fb:down");
        Pipeline refused = Pipeline.builder("y").add(Fallback.ofValue("fb")).add(new RefusingPolicy()).build();
        assertThat(refused.<String>callAsync(() -> CompletableFuture.completedFuture("live")).get()).isEqualTo("fb");
    }

    @Test
    void eventIsFiredWithRejectionKind() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        Pipeline p = Pipeline.builder("recs")
                .add(Fallback.ofValue("fb"))
                .add(new RefusingPolicy())
                .listener(new PipelineListener() {
                    @Override
                    public void onFallback(String pipeline, String policy, Throwable error, Object result, RejectionKind kind) {
                        events.add(pipeline + "/" + policy + "/" + kind);
                    }
                })
                .build();
        p.call(() -> "x");
        assertThat(events).containsExactly("recs/fallback/CIRCUIT_OPEN");
    }
}
