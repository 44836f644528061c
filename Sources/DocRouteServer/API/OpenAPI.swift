/// The API's OpenAPI 3.0 document (`openapi.json` beside this file, built into the binary).
enum OpenAPI {
    static let document = String(decoding: PackageResources.openapi_json, as: UTF8.self)
}
