package dev.sinew.pipeline;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/** Small policies for testing the pipeline itself. */
final class TestPolicies {

    private TestPolicies() {
    }

    /** Appends "name>" before and "<name" after the inner stages. */
    static final class Recording extends AbstractPolicy {
        private final List<String> log;

        Recording(String name, List<String> log) {
            super(name);
            this.log = log;
        }

        @Override
        protected void onAttach(PolicyContext ctx) {
        }

        @Override
        public Object execute(Stage next, Callable<?> call) throws Exception {
            log.add(name() + ">");
            try {
                return next.call(call);
            } finally {
                log.add("<" + name());
            }
        }

        @Override
        public CompletableFuture<Object> executeAsync(AsyncStage next, Supplier<? extends CompletionStage<?>> call) {
            log.add(name() + ">");
            return next.call(call).whenComplete((v, e) -> log.add("<" + name()));
        }
    }
}
