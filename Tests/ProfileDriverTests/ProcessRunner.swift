import Foundation

/// Runs a program with posix_spawn and reaps it with waitpid, killing it after `timeout` seconds.
///
/// Foundation's Process waits for SIGCHLD through libdispatch; with other tests forking and
/// waiting in the same process, that wake-up can be missed and waitUntilExit then never returns.
/// Polling waitpid on our own pid cannot miss.
@discardableResult
func runProcess(
    _ path: String, _ args: [String], cwd: String? = nil, environment: [String: String]? = nil,
    captureOutput: Bool = true, timeout: Double = 120
) -> (status: Int32, out: [UInt8]) {
    var fds: [Int32] = [-1, -1]
    if captureOutput { guard pipe(&fds) == 0 else { return (-1, []) } }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    if captureOutput {
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        posix_spawn_file_actions_addclose(&actions, fds[1])
    } else {
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    }
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    let env = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
    var argv = [path] + args
    var program = path
    if let cwd {
        // posix_spawn_file_actions_addchdir_np is not visible from Swift: let sh change directory.
        program = "/bin/sh"
        argv = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", cwd, path] + args
    }
    var pid: pid_t = 0
    let rc = withCStrings(argv) { cargv in
        withCStrings(env) { cenv in posix_spawn(&pid, program, &actions, nil, cargv, cenv) }
    }
    if captureOutput { close(fds[1]) }
    guard rc == 0 else {
        if captureOutput { close(fds[0]) }
        return (-1, [])
    }
    var out: [UInt8] = []
    let deadline = Date().addingTimeInterval(timeout)
    if captureOutput {
        // Read until EOF, giving up at the deadline (a grandchild may hold the pipe open).
        var buf = [UInt8](repeating: 0, count: 65536)
        while Date() < deadline {
            var pfd = pollfd(fd: fds[0], events: Int16(POLLIN), revents: 0)
            if poll(&pfd, 1, 100) <= 0 { continue }
            let n = buf.withUnsafeMutableBytes { read(fds[0], $0.baseAddress, $0.count) }
            if n <= 0 { break }
            out += buf[0..<n]
        }
        close(fds[0])
    }
    var status: Int32 = 0
    while true {
        let r = waitpid(pid, &status, WNOHANG)
        if r == pid { break }
        if r < 0 && errno != EINTR { return (-1, out) }
        if Date() >= deadline {
            kill(pid, SIGKILL)
            _ = waitpid(pid, &status, 0)
            return (-1, out)
        }
        usleep(10_000)
    }
    let exited = status & 0x7f == 0
    return (exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), out)
}

private func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
    var ptrs: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    ptrs.append(nil)
    defer { for p in ptrs { free(p) } }
    return body(ptrs)
}
