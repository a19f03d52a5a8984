/**
 * tfjs-core's Node build carries no gradient functions; the union package registers all of them (into the one
 * global registry tfjs-core reads). Only training needs them, so only the trainer imports this.
 */
import '@tensorflow/tfjs';
