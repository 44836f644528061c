import Hummingbird
import NIOCore

/// The request context of `docroute serve`: Hummingbird's, with the client's address (the rate
/// limit's key when requests carry no token).
public struct ServerContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
