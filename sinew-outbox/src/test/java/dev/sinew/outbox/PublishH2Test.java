package dev.sinew.outbox;

class PublishH2Test extends PublishContract {
    @Override
    TestDb createDb() {
        return TestDb.h2("publish");
    }
}
