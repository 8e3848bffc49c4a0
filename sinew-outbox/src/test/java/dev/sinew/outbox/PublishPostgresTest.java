package dev.sinew.outbox;

class PublishPostgresTest extends PublishContract {
    @Override
    TestDb createDb() {
        return TestDb.postgres("publish");
    }
}
