import Testing

/// What a suite needs beyond the repository; `swift test --filter DocRouteUnitTests` runs the
/// suites that need none of it.
extension Tag {
    /// Reads the shared corpora at `../shared/corpora`.
    @Tag package static var corpus: Self
    /// Talks to a real llama-server (`DOCROUTE_TEST_LLM_URL`, started by `scripts/test.sh`).
    @Tag package static var llm: Self
    /// Runs the `docroute` binary as a user does.
    @Tag package static var endToEnd: Self
    /// Runs the watch daemon: processes, SQLite state, signals.
    @Tag package static var service: Self
    /// Talks to a real PostgreSQL server (`DOCROUTE_TEST_POSTGRES`, started by `scripts/test.sh`).
    @Tag package static var queue: Self
}
