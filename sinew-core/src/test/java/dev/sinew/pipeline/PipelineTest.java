package dev.sinew.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sinew.event.PipelineListener;
import dev.sinew.event.RejectionKind;
import dev.sinew.time.CountingClock;
import dev.sinew.time.TestClock;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class PipelineTest {

    @Test
    void policiesRunOutermostFirst() throws Exception {
        List<String> log = new ArrayList<>();
        Pipeline p = Pipeline.builder("orders")
                .add(new TestPolicies.Recording("a", log), new TestPolicies.Recording("b", log))
                .build();
        assertThat(p.call(() -> {
            log.add("call");
            return 42;
        })).isEqualTo(42);
        assertThat(log).containsExactly("a>", "b>", "call", "<b", "<a");
    }

    @Test
    void checkedExceptionsComeOutUnchanged() {
        IOException boom = new IOException("disk");
        Pipeline p = Pipeline.builder("io").add(new TestPolicies.Recording("a", new ArrayList<>())).build();
        assertThatThrownBy(() -> p.call(() -> {
            throw boom;
        })).isSameAs(boom);
        Outcome<Object> o = p.tryCall(() -> {
            throw boom;
        });
        assertThat(o.isFailure()).isTrue();
        assertThat(o.error()).isSameAs(boom);
        assertThatThrownBy(o::getOrThrow).isSameAs(boom);
    }

    @Test
    void uncheckedExceptionsFromSupplierAndRunnableComeOutUnchanged() {
        IllegalStateException boom = new IllegalStateException("x");
        Pipeline p = Pipeline.builder("s").build();
        assertThatThrownBy(() -> p.get(() -> {
            throw boom;
        })).isSameAs(boom);
        assertThatThrownBy(() -> p.run(() -> {
            throw boom;
        })).isSameAs(boom);
        assertThat(p.get(() -> "v")).isEqualTo("v");
    }

    @Test
    void rejectionIsAStacklessExceptionNamingPipelineAndPolicy() {
        Pipeline p = Pipeline.builder("payment").add(new RefusingPolicy("switch", RejectionKind.SWITCHED_OFF)).build();
        assertThatThrownBy(() -> p.call(() -> 1))
                .isInstanceOf(RejectedException.class)
                .hasMessageContaining("payment")
                .hasMessageContaining("switch")
                .satisfies(e -> {
                    assertThat(e.getStackTrace()).isEmpty();
                    assertThat(((RejectedException) e).kind()).isEqualTo(RejectionKind.SWITCHED_OFF);
                });
    }

    @Test
    void tryCallReturnsTheSamePreallocatedOutcomeForEveryRejection() {
        Pipeline p = Pipeline.builder("payment").add(new RefusingPolicy("switch", RejectionKind.SWITCHED_OFF)).build();
        Outcome<Integer> first = p.tryCall(() -> 1);
        Outcome<Integer> second = p.tryCall(() -> 2);
        assertThat(first.isRejected()).isTrue();
        assertThat(first.rejection().policy()).isEqualTo("switch");
        assertThat(second).isSameAs(first);
        assertThat(first.orElse(7)).isEqualTo(7);
    }

    @Test
    void tryCallAllocatesNothingOnRejection() {
        Pipeline p = Pipeline.builder("payment").add(new RefusingPolicy("switch", RejectionKind.SWITCHED_OFF)).build();
        java.util.concurrent.Callable<Integer> call = () -> 1;
        long bytes = Allocation.measure(() -> {
            for (int i = 0; i < 100_000; i++) {
                if (!p.tryCall(call).isRejected()) {
                    throw new AssertionError();
                }
            }
        });
        assertThat(bytes).as("bytes allocated by 100,000 rejected calls").isLessThan(4_096);
    }

    @Test
    void asyncCallsComposeAndUnwrapFailures() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        Pipeline p = Pipeline.builder("async")
                .add(new TestPolicies.Recording("a", log), new TestPolicies.Recording("b", log))
                .build();
        assertThat(p.callAsync(() -> CompletableFuture.completedFuture("ok")).get()).isEqualTo("ok");
        assertThat(log).containsExactly("a>", "b>", "<b", "<a");

        IOException boom = new IOException("down");
        CompletableFuture<String> failed = p.callAsync(() -> CompletableFuture.failedFuture(boom));
        assertThatThrownBy(failed::get).isInstanceOf(ExecutionException.class).cause().isSameAs(boom);

        CompletableFuture<String> thrown = p.callAsync(() -> {
            throw new IllegalStateException("sync throw");
        });
        assertThatThrownBy(thrown::get).cause().isInstanceOf(IllegalStateException.class);
    }

    @Test
    void asyncRejectionFailsTheFuture() {
        Pipeline p = Pipeline.builder("async").add(new RefusingPolicy("switch", RejectionKind.SWITCHED_OFF)).build();
        CompletableFuture<Integer> f = p.callAsync(() -> CompletableFuture.completedFuture(1));
        assertThatThrownBy(f::get).cause().isInstanceOf(RejectedException.class);
    }

    @Test
    void listenerSeesSuccessFailureAndFailingResults() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        Classifier c = Classifier.builder().<Integer>failOnResult(code -> code >= 500).build();
        Pipeline p = Pipeline.builder("http").classifier(c).listener(new PipelineListener() {
            @Override
            public void onSuccess(String pipeline, long nanos) {
                events.add("success:" + pipeline);
            }

            @Override
            public void onFailure(String pipeline, long nanos, Throwable error, Object result) {
                events.add("failure:" + (error != null ? error.getMessage() : result));
            }
        }).build();
        p.call(() -> 200);
        p.call(() -> 503);
        p.tryCall(() -> {
            throw new IOException("io");
        });
        assertThat(events).containsExactly("success:http", "failure:503", "failure:io");
    }

    @Test
    void listenersCanBeAddedAndRemovedAtRuntime() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        Pipeline p = Pipeline.builder("x").build();
        PipelineListener l = new PipelineListener() {
            @Override
            public void onSuccess(String pipeline, long nanos) {
                events.add("s");
            }
        };
        assertThat(p.events().active()).isFalse();
        p.events().add(l);
        p.call(() -> 1);
        p.events().remove(l);
        p.call(() -> 1);
        assertThat(events).containsExactly("s");
        assertThat(p.events().active()).isFalse();
    }

    @Test
    void listenersThatDoNotObserveCallsCostNoClockReadingAndGetNoCallCallbacks() throws Exception {
        CountingClock clock = new CountingClock(new TestClock());
        List<String> events = new CopyOnWriteArrayList<>();
        RefusingPolicy gate = new RefusingPolicy("gate", RejectionKind.SWITCHED_OFF);
        gate.refusing = false;
        Pipeline p = Pipeline.builder("x").clock(clock).add(gate).build();
        PipelineListener policyEventsOnly = new PipelineListener() {
            @Override
            public boolean observesCalls() {
                return false;
            }

            @Override
            public void onSuccess(String pipeline, long nanos) {
                events.add("policy-only:success");
            }

        };
        p.events().add(policyEventsOnly);
        assertThat(p.events().active()).isTrue();
        assertThat(p.events().listener()).isSameAs(policyEventsOnly); // policies still report to it
        assertThat(p.events().observed()).isFalse();
        p.call(() -> 1);
        p.callAsync(() -> CompletableFuture.completedFuture(1)).get();
        assertThat(p.tryCall(() -> 1).isSuccess()).isTrue();
        assertThat(clock.reads.get()).isZero();
        assertThat(events).isEmpty();

        PipelineListener calls = new PipelineListener() {
            @Override
            public void onSuccess(String pipeline, long nanos) {
                events.add("calls:success");
            }
        };
        p.events().add(calls);
        assertThat(p.events().observed()).isTrue();
        p.call(() -> 1);
        assertThat(clock.reads.get()).isEqualTo(2);
        // once one listener observes calls, every listener gets the callbacks (the others ignore them by default)
        assertThat(events).containsExactly("policy-only:success", "calls:success");

        p.events().remove(calls);
        assertThat(p.events().observed()).isFalse();
        gate.refusing = true;
        assertThat(p.tryCall(() -> 1).isRejected()).isTrue();
        assertThat(events).containsExactly("policy-only:success", "calls:success");
        assertThat(clock.reads.get()).isEqualTo(2);
    }

    @Test
    void invalidNamesAreRejectedWithAClearMessage() {
        assertThatThrownBy(() -> Pipeline.builder("bad name!"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pipeline name")
                .hasMessageContaining("bad name!");
        assertThatThrownBy(() -> Pipeline.builder("p")
                .add(new RefusingPolicy("g", RejectionKind.SWITCHED_OFF), new RefusingPolicy("g", RejectionKind.SWITCHED_OFF)).build())
                .hasMessageContaining("two policies are named 'g'");
    }

    @Test
    void aPolicyBelongsToOnePipeline() {
        RefusingPolicy gate = new RefusingPolicy("g", RejectionKind.SWITCHED_OFF);
        Pipeline.builder("one").add(gate).build();
        assertThatThrownBy(() -> Pipeline.builder("two").add(gate).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already belongs to pipeline 'one'");
    }

    @Test
    void replacingPoliciesKeepsExistingInstances() throws Exception {
        RefusingPolicy gate = new RefusingPolicy("g", RejectionKind.SWITCHED_OFF);
        Pipeline p = Pipeline.builder("p").add(gate).build();
        List<String> log = new ArrayList<>();
        p.replacePolicies(List.of(new TestPolicies.Recording("r", log), gate));
        assertThat(p.policy(RefusingPolicy.class)).containsSame(gate);
        gate.refusing = false;
        assertThat(p.call(() -> 5)).isEqualTo(5);
        assertThat(log).containsExactly("r>", "<r");
    }
}
