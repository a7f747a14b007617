import NIOCore

/// Splits a byte stream into lines (`\n`, an optional `\r` before it is dropped), refusing
/// a line longer than `maximumLineLength` as soon as that many bytes are buffered without a
/// newline, so a client cannot make the server buffer without bound. (NIOCore has no line
/// decoder, and swift-nio-extras' has no length limit.) At end of input, a final line
/// without a newline is still delivered.
struct LineFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    let maximumLineLength: Int
    /// Bytes of the buffer already searched for a newline, so trickled input is not rescanned.
    private var scanned = 0

    init(maximumLineLength: Int) {
        self.maximumLineLength = maximumLineLength
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let view = buffer.readableBytesView
        let searchStart = view.index(view.startIndex, offsetBy: scanned)
        guard let newline = view[searchStart...].firstIndex(of: UInt8(ascii: "\n")) else {
            scanned = view.count
            if view.count > maximumLineLength { throw LineTooLongError(limit: maximumLineLength) }
            return .needMoreData
        }
        let length = newline - view.startIndex
        if length > maximumLineLength { throw LineTooLongError(limit: maximumLineLength) }
        var line = buffer.readSlice(length: length)!
        buffer.moveReaderIndex(forwardBy: 1)
        scanned = 0
        if line.readableBytesView.last == UInt8(ascii: "\r") {
            line = line.getSlice(at: line.readerIndex, length: line.readableBytes - 1)!
        }
        context.fireChannelRead(wrapInboundOut(line))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        let state = try decode(context: context, buffer: &buffer)
        if state == .needMoreData && buffer.readableBytes > 0 {
            let rest = buffer.readSlice(length: buffer.readableBytes)!
            scanned = 0
            context.fireChannelRead(wrapInboundOut(rest))
            return .continue
        }
        return state
    }
}

/// A line exceeded the decoder's limit.
struct LineTooLongError: Error, Hashable {
    let limit: Int
}
