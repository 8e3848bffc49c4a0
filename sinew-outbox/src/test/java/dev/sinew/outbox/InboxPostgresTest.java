package dev.sinew.outbox;

class InboxPostgresTest extends InboxContract {
    @Override
    TestDb createDb() {
        return TestDb.postgres("inbox");
    }
}
