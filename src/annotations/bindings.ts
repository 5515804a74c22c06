/**
 * Binding interfaces: classes whose @Input / @Output properties name bindings. The runtime
 * creates one instance per interface named in @EnableBinding and fills its properties with
 * channels; the instance is injectable by the interface class.
 */
import { classOf, writableMetadata } from './metadata';
import { InputChannel, MessageChannel } from './types';

/** Declares an input binding (`name` defaults to the property name). */
export function Input(name?: string): PropertyDecorator {
  return (target, property) => {
    writableMetadata(classOf(target)).bindingProperties.push({
      property: String(property),
      name: name ?? String(property),
      kind: 'input',
    });
  };
}

/**
 * Declares an output binding. On a property of a binding interface it names the binding
 * (default: the property name); on a constructor parameter it injects that binding's
 * MessageChannel, declaring the output binding when no interface does.
 */
export function Output(name?: string): PropertyDecorator & ParameterDecorator {
  return (target: object, property: string | symbol | undefined, parameterIndex?: number) => {
    if (typeof parameterIndex === 'number') {
      if (property !== undefined || !name) {
        throw new TypeError('@Output(name) on a parameter needs a binding name and works on constructor parameters only');
      }
      writableMetadata(classOf(target)).constructorParameters.push({ index: parameterIndex, kind: 'output', name });
      return;
    }
    writableMetadata(classOf(target)).bindingProperties.push({
      property: String(property),
      name: name ?? String(property),
      kind: 'output',
    });
  };
}

/** One input binding named `input`. */
export class Sink {
  static readonly INPUT = 'input';
  @Input(Sink.INPUT) readonly input!: InputChannel;
}

/** One output binding named `output`. */
export class Source {
  static readonly OUTPUT = 'output';
  @Output(Source.OUTPUT) readonly output!: MessageChannel;
}

/** An input binding `input` and an output binding `output`. */
export class Processor {
  static readonly INPUT = 'input';
  static readonly OUTPUT = 'output';
  @Input(Processor.INPUT) readonly input!: InputChannel;
  @Output(Processor.OUTPUT) readonly output!: MessageChannel;
}
