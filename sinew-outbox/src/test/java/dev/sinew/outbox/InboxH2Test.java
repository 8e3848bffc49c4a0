package dev.sinew.outbox;

class InboxH2Test extends InboxContract {
    @Override
    TestDb createDb() {
        return TestDb.h2("inbox");
    }
}
