import ImageService

/// Hands the command line to the library's command.
@main
enum ImageServiceMain {
    static func main() async {
        await ImageServiceCommand.main()
    }
}
