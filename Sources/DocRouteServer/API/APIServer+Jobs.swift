import Foundation
import Hummingbird
import NIOCore

extension APIServer {
    /// `POST /v1/jobs`: takes the document and answers 202 with the job (its id, `queued`) and a
    /// `Location` to ask for it; the records come from `GET /v1/jobs/{id}`, or to `callback_url`.
    func submitJob(_ request: Request, context: ServerContext) async throws -> Response {
        let submission = try await submission(request)
        if let url = submission.callback {
            try Callbacks.check(url)
            guard callbacks != nil else {
                throw APIError(
                    .badRequest, code: "bad_request",
                    "this server has no callback secret to sign with (serve --callback-secret-file)")
            }
        }
        let pipeline = try pipelines.name(submission.pipeline)
        let job = try await jobs.submit(submission, pipeline: pipeline)
        var response = Self.jobBody(job)
        response.status = .accepted
        response.headers[.location] = "/v1/jobs/\(job.id)"
        return response
    }

    /// `GET /v1/jobs/{id}`: the job's state, with its records once finished; 404 when unknown.
    func jobStatus(_ request: Request, context: ServerContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        guard let job = try await jobs.status(id) else {
            throw APIError(.notFound, code: "not_found", "no job \(id) here")
        }
        return Self.jobBody(job)
    }

    static func jobBody(_ job: JobStatus) -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: job.json())))
    }
}
