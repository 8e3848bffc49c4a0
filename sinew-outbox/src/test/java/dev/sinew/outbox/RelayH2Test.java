package dev.sinew.outbox;

class RelayH2Test extends RelayContract {
    @Override
    TestDb createDb() {
        return TestDb.h2("relay");
    }
}
