package io.dmactl.cli;

import io.dmactl.cli.output.UserText;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;

/**
 * Turns every way a command can fail into one line on stderr, {@code dmactl COMMAND: what
 * went wrong}, and the exit code that says which kind of failure it was ({@link ExitCodes}).
 * With {@code --verbose} the stack trace follows. A bad command line also points at the
 * command's {@code --help}, which shows the accepted forms. User text in a message is shown
 * through {@link UserText}: escaped, cut when long, so the error stays one line.
 */
final class ErrorReporter implements IExecutionExceptionHandler, IParameterExceptionHandler {

    /** Longest message printed whole; user text in it is already cut by {@link UserText#quote}. */
    static final int MAX_MESSAGE_CODE_POINTS = 1000;

    @Override
    public int handleParseException(ParameterException exception, String[] args) {
        CommandLine command = exception.getCommandLine();
        PrintWriter err = command.getErr();
        String message = exception.getMessage();
        if (exception instanceof UnmatchedArgumentException unmatched) {
            List<String> suggestions = unmatched.getSuggestions();
            if (!suggestions.isEmpty()) {
                message += "; did you mean " + String.join(" or ", suggestions) + "?";
            }
        }
        err.println(prefix(command) + line(message, Arrays.asList(args))
                + " (see '" + command.getCommandSpec().qualifiedName() + " --help')");
        if (verbose(command)) {
            printStackTrace(err, exception);
        }
        err.flush();
        return ExitCodes.USAGE;
    }

    @Override
    public int handleExecutionException(Exception exception, CommandLine command, ParseResult parseResult) {
        PrintWriter err = command.getErr();
        int code = ExitCodes.of(exception);
        String message = exception.getMessage() == null || exception.getMessage().isBlank()
                ? exception.getClass().getName() : exception.getMessage();
        List<String> args = parseResult == null ? List.of() : parseResult.originalArgs();
        if (code == ExitCodes.INTERNAL) {
            err.println(prefix(command) + "internal error: " + line(exception.toString(), args)
                    + (verbose(command) ? "" : " (run with --verbose for the stack trace, and please report it)"));
        } else {
            err.println(prefix(command) + line(message, args));
        }
        if (verbose(command)) {
            printStackTrace(err, exception);
        }
        err.flush();
        return code;
    }

    /**
     * The message as one printable line: arguments it quotes raw (picocli's own messages, a
     * library's) are re-quoted with {@link UserText#quote} (escaped, cut when long), then any
     * unsafe character left is escaped, and a message that is still very long is cut.
     */
    private static String line(String message, List<String> args) {
        String printable = UserText.escape(UserText.requote(message, args));
        if (printable.codePointCount(0, printable.length()) <= MAX_MESSAGE_CODE_POINTS) {
            return printable;
        }
        int end = printable.offsetByCodePoints(0, MAX_MESSAGE_CODE_POINTS);
        return printable.substring(0, end) + "... (message cut: " + printable.codePointCount(0, printable.length())
                + " characters)";
    }

    /** With --verbose: the stack trace, its lines escaped like the message (an exception message may hold user text). */
    private static void printStackTrace(PrintWriter err, Throwable exception) {
        StringWriter trace = new StringWriter();
        exception.printStackTrace(new PrintWriter(trace));
        trace.toString().lines().forEach(traceLine -> err.println(traceLine.startsWith("\t")
                ? "\t" + UserText.escape(traceLine.substring(1)) : UserText.escape(traceLine))); // frames stay indented
    }

    private static String prefix(CommandLine command) {
        return command.getCommandSpec().qualifiedName() + ": ";
    }

    private static boolean verbose(CommandLine command) {
        Object root = command.getCommandSpec().root().userObject();
        return root instanceof Dmactl dmactl && dmactl.verboseMixin().isVerbose();
    }
}
