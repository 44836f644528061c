// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "DocRoute",
    products: [
        .library(name: "DocRoute", targets: ["DocRoute"]),
        .library(name: "DocRouteService", targets: ["DocRouteService"]),
        .executable(name: "docroute", targets: ["docroute"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CTesseract", pkgConfig: "tesseract",
            providers: [.apt(["libtesseract-dev"])]),
        .systemLibrary(
            name: "CLeptonica", pkgConfig: "lept",
            providers: [.apt(["libleptonica-dev"])]),
        .systemLibrary(
            name: "CPoppler", pkgConfig: "poppler-glib cairo",
            providers: [.apt(["libpoppler-glib-dev", "libcairo2-dev"])]),
        .systemLibrary(
            name: "CLibXML2", pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]),
        // The layers (ARCHITECTURE.md), each a target that may use only targets above it in
        // this list, and only those it names in `dependencies`: this list is the rule. SwiftPM
        // refuses a cycle, and scripts/check-layers.sh fails a target that imports a module it
        // does not name (a higher layer, or a lower one reached only through another).
        //   model → readers, LLM → extraction → forms → DocRoute (pipeline, batch, eval)
        //   → service → queue → server → the command line.
        .target(
            name: "DocRouteModel",
            dependencies: [.product(name: "Yams", package: "Yams")]
        ),
        .target(
            name: "DocRouteReaders",
            dependencies: [
                "DocRouteModel",
                "CTesseract", "CLeptonica", "CPoppler", "CLibXML2",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "DocRouteLLM",
            dependencies: [
                "DocRouteModel",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .target(
            name: "DocRouteExtraction",
            dependencies: ["DocRouteModel", "DocRouteLLM"]
        ),
        .target(
            name: "DocRouteForms",
            dependencies: [
                "DocRouteModel", "DocRouteReaders", "DocRouteExtraction", "CLeptonica",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .target(
            name: "DocRoute",
            dependencies: [
                "DocRouteModel", "DocRouteReaders", "DocRouteLLM", "DocRouteExtraction", "DocRouteForms",
                "CLeptonica", "CLibXML2",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The watch daemon: hot folder, SQLite state, exactly-once records, health and metrics.
        .target(
            name: "DocRouteService",
            dependencies: [
                "DocRoute", "DocRouteModel",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // The job queue on PostgreSQL: migrations, producers, results, and the queue worker.
        .target(
            name: "DocRouteQueue",
            dependencies: [
                "DocRoute", "DocRouteModel", "DocRouteService",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The HTTP API (`docroute serve`): extraction, async jobs with callbacks, auth and limits.
        .target(
            name: "DocRouteServer",
            dependencies: [
                "DocRoute", "DocRouteModel", "DocRouteService", "DocRouteQueue",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            // The OpenAPI document, served at /openapi.json from the binary itself.
            resources: [.embedInCode("API/openapi.json")]
        ),
        .executableTarget(
            name: "docroute",
            dependencies: [
                "DocRouteModel", "DocRouteReaders", "DocRouteLLM", "DocRouteExtraction", "DocRouteForms",
                "DocRoute", "DocRouteService", "DocRouteQueue", "DocRouteServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Tests: fast unit suites (no corpora, no LLM server, no binary: `swift test --filter
        // DocRouteUnitTests`), the corpus / end-to-end / LLM suites (tagged), the daemon's, and
        // the helpers they share.
        .target(
            name: "DocRouteTestSupport",
            dependencies: [
                "DocRoute", "DocRouteModel", "DocRouteReaders", "DocRouteQueue",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/DocRouteTestSupport"
        ),
        .testTarget(
            name: "DocRouteUnitTests",
            dependencies: [
                "DocRouteTestSupport", "DocRoute", "DocRouteModel", "DocRouteReaders", "DocRouteLLM",
                "DocRouteExtraction", "DocRouteForms", "CLeptonica",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "DocRouteTests",
            dependencies: [
                "DocRouteTestSupport", "DocRoute", "DocRouteModel", "DocRouteReaders", "DocRouteLLM",
                "DocRouteExtraction", "DocRouteForms", "CLeptonica",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        .testTarget(
            name: "DocRouteServiceTests",
            dependencies: [
                "DocRouteTestSupport", "DocRouteService", "DocRoute", "DocRouteModel", "DocRouteLLM",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "DocRouteQueueTests",
            dependencies: [
                "DocRouteTestSupport", "DocRouteQueue", "DocRouteService", "DocRoute", "DocRouteModel",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "DocRouteServerTests",
            dependencies: [
                "DocRouteTestSupport", "DocRouteModel", "DocRouteServer", "DocRouteQueue",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
